package org.elasticsearch.node;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

/**
 * An Elasticsearch node whose plugins are classes on the classpath, as Elasticsearch's own test
 * framework builds its nodes. In this package because the node's construction hooks are package-private.
 */
public final class ClasspathPluginsNode extends Node {

    public ClasspathPluginsNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(NodeConstruction.prepareConstruction(environment, PluginsLoader.createPluginsLoader(Set.of(), Set.of(),
                Map.of(), false), new ClasspathServices(plugins), true));
    }

    @Override
    protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
        // The upstream listener keeps static state; tests' nodes leave it out, and so does this one.
    }

    private static final class ClasspathServices extends NodeServiceProvider {
        private final Collection<Class<? extends Plugin>> plugins;

        ClasspathServices(Collection<Class<? extends Plugin>> plugins) {
            this.plugins = plugins;
        }

        @Override
        PluginsService newPluginService(Environment environment, PluginsLoader loader) {
            return new ClasspathPluginsService(environment, plugins);
        }
    }
}
