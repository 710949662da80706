package kz.kazneb.search;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single-node OpenSearch cluster in this JVM, for tests and benchmarks.
 *
 * Usage: TestNode HOME [HTTP_PORT_RANGE]. Writes HOME/logs/http.ports once HTTP is bound
 * and runs until the process is killed (or stdin closes when "--stdin" is given).
 */
public final class TestNode {

    /** Node's constructor is protected: this subclass loads the two plugins the hub needs. */
    static final class PluginNode extends Node {
        PluginNode(Environment environment) {
            super(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class), true);
        }

        @Override
        protected void configureNodeAndClusterIdStateListener(org.opensearch.cluster.service.ClusterService clusterService) {
            // Keeps static state in the upstream version; empty as in OpenSearch's own MockNode.
        }
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args.length > 0 ? args[0] : "build/opensearch").toAbsolutePath();
        String ports = args.length > 1 ? args[1] : "9250-9299";
        for (String folder : new String[] {"data", "logs", "config"}) {
            Files.createDirectories(home.resolve(folder));
        }
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "kazneb-test")
                .put("node.name", "kazneb-test-node")
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", ports)
                .put("transport.port", "9350-9399")
                .put("node.portsfile", true)
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", true)
                .build();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
                settings, Collections.emptyMap(), home.resolve("config"), () -> "kazneb-test-node");
        Node node = new PluginNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        node.start();
        System.out.println("kazneb-test-node started");
        System.out.flush();
        stopped.await();
    }
}
