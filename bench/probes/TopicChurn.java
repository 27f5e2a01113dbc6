import dev.tandem.config.TandemConfig;
import dev.tandem.hub.Hub;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.TopicName;
import static dev.tandem.protocol.JsonSupport.JSON;
import java.io.StringReader;
import java.time.Clock;
import java.util.Map;

/**
 * Rooms that come and go: publish {@code events} events (the bench's payload) into each of {@code rooms} new
 * rooms, nobody subscribed, with the hub's idle-topic sweep run every 1,000 rooms (the runtime runs it every
 * 5 s). Prints the heap retained after a full GC against the hub's own estimate ({@link Hub#weight}) and the
 * budget ({@code totalMaxBytes}, 0 = no bound, i.e. what the hub kept before it let idle topics go).
 */
public class TopicChurn {
    static long used() {
        for (int i = 0; i < 4; i++) { System.gc(); try { Thread.sleep(100); } catch (InterruptedException e) { } }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    public static void main(String[] args) {
        int rooms = Integer.parseInt(args[0]);
        int events = Integer.parseInt(args[1]);
        long budget = Long.parseLong(args[2]);
        Map<String, String> settings = Map.of("history.totalMaxBytes", String.valueOf(budget == 0 ? Long.MAX_VALUE : budget));
        Hub hub = new Hub(TandemConfig.from(settings::get), new FrameCodec(65536), Clock.systemUTC());
        long before = used();
        String pad = "x".repeat(48);
        int dropped = 0;
        for (int room = 0; room < rooms; room++) {
            TopicName chat = new TopicName("room-" + room, "chat");
            for (int i = 0; i < events; i++) {
                String text = "{\"t\":" + (123456.789 + i * 0.001) + ",\"n\":" + i + ",\"p\":0,\"pad\":\"" + pad + "\"}";
                hub.publish(chat, JSON.createReader(new StringReader(text)).readObject(), "publisher", null);
            }
            if (room % 1000 == 999) {
                dropped += hub.letGoOfIdleTopics();
            }
        }
        long after = used();
        System.out.printf("rooms %d x %d events, budget %s: topics kept %d, let go %d; heap retained %.1f MB, "
                        + "hub's estimate %.1f MB (%.2f of the heap)%n",
                rooms, events, budget == 0 ? "none" : String.format("%.0f MB", budget / 1048576.0), hub.topicCount(), dropped,
                (after - before) / 1048576.0, hub.weight() / 1048576.0, hub.weight() / (double) (after - before));
    }
}
