package kz.kazneb.search;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.ClasspathPluginsNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.transport.netty4.Netty4Plugin;

/**
 * A single-node Elasticsearch cluster in this JVM, for tests and benchmarks.
 *
 * Usage: TestNode HOME [HTTP_PORT_RANGE]. Writes HOME/logs/http.ports once HTTP is bound and runs
 * until the process is killed.
 */
public final class TestNode {

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args.length > 0 ? args[0] : "build/elasticsearch").toAbsolutePath();
        String ports = args.length > 1 ? args[1] : "9400-9449";
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
                .put("transport.port", "9500-9549")
                .put("node.portsfile", true)
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", true)
                .build();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
                settings, Map.of(), home.resolve("config"), () -> "kazneb-test-node");
        Node node = new ClasspathPluginsNode(environment, List.of(Netty4Plugin.class, KeysAnalysisPlugin.class));
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
