import dev.tandem.config.TandemConfig;
import dev.tandem.hub.Hub;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.TopicName;
import static dev.tandem.protocol.JsonSupport.JSON;
import java.io.StringReader;
import java.time.Clock;

/** Heap retained per history event for the bench's payload: publish N events into one topic of history N. */
public class HistoryMemory {
    static long used() {
        for (int i = 0; i < 4; i++) { System.gc(); try { Thread.sleep(100); } catch (InterruptedException e) { } }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        Hub hub = new Hub(TandemConfig.defaults().withHistorySize(n), new FrameCodec(65536), Clock.systemUTC());
        TopicName chat = new TopicName("r1", "chat");
        hub.publish(chat, JSON.createObjectBuilder().add("x", 1).build(), "p", null);
        long before = used();
        String pad = "x".repeat(48);
        for (int i = 0; i < n; i++) {
            // the bench publisher's payload, parsed as the server parses an incoming frame
            String text = "{\"t\":" + (123456.789 + i * 0.001) + ",\"n\":" + i + ",\"p\":0,\"pad\":\"" + pad + "\"}";
            hub.publish(chat, JSON.createReader(new StringReader(text)).readObject(), "publisher", null);
        }
        long after = used();
        // the hub must stay reachable until the second measurement
        System.out.println("history events: " + hub.history(chat, 0, n).events().size());
        System.out.printf("%d events: %.0f bytes retained per event%n", n, (after - before) / (double) n);
    }
}
