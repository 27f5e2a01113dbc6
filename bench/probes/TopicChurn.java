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
 * rooms, nobody subscribed, one room per (simulated) second, with the hub's idle-topic sweep run every 1,000
 * rooms (the runtime runs it every 5 s); rooms used within the session TTL (60 s) are never let go. Prints the heap retained after a full GC against the hub's own estimate ({@link Hub#weight}) and the
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
        long[] seconds = {0};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochSecond(1_800_000_000L + seconds[0]);
            }
        };
        Hub hub = new Hub(TandemConfig.from(settings::get), new FrameCodec(65536), clock);
        long before = used();
        String pad = "x".repeat(48);
        int dropped = 0;
        for (int room = 0; room < rooms; room++) {
            seconds[0] = room;
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
