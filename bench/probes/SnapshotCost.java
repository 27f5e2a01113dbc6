import dev.tandem.config.TandemConfig;
import dev.tandem.hub.Hub;
import dev.tandem.hub.Subscriber;
import dev.tandem.hub.Outgoing;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.TopicName;
import static dev.tandem.protocol.JsonSupport.JSON;
import java.io.StringReader;
import java.time.Clock;

/** Time per fresh subscribe (ack + a 50-event snapshot) on a topic holding 1,000 events of the bench payload. */
public class SnapshotCost {
    public static void main(String[] args) throws Exception {
        Hub hub = new Hub(TandemConfig.defaults(), new FrameCodec(65536), Clock.systemUTC());
        TopicName chat = new TopicName("r1", "chat");
        String pad = "x".repeat(48);
        for (int i = 0; i < 1000; i++) {
            String text = "{\"t\":" + (123456.789 + i * 0.001) + ",\"n\":" + i + ",\"p\":0,\"pad\":\"" + pad + "\"}";
            hub.publish(chat, JSON.createReader(new StringReader(text)).readObject(), "publisher", null);
        }
        long[] sink = new long[1];
        for (int round = 0; round < 5; round++) {
            int n = 20000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String key = "s" + i;
                hub.subscribe(chat, subscriber(key, sink), null, "r" + i);
                hub.unsubscribe(chat, key);
            }
            System.out.printf("round %d: %.1f us per subscribe (%d bytes)%n", round, (System.nanoTime() - t0) / 1000.0 / n, sink[0] / n);
            sink[0] = 0;
        }
    }
    static Subscriber subscriber(String key, long[] sink) {
        return new Subscriber() {
            public String key() { return key; }
            public String identity() { return "bob"; }
            public void deliver(Outgoing frame) { sink[0] += frame.bytes(); }
            public ReplayBudget replayBudget() { return new ReplayBudget(1000, 1 << 20); }
        };
    }
}
