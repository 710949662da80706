"""KazNEB Hub: command line, settings and the Flask application factory."""
