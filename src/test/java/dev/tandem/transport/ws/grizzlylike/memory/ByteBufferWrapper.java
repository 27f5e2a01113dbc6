package dev.tandem.transport.ws.grizzlylike.memory;

import dev.tandem.transport.ws.grizzlylike.asyncqueue.WritableMessage;
import java.nio.ByteBuffer;

/** Look-alike of Grizzly's ByteBufferWrapper: a message over a ByteBuffer. */
public class ByteBufferWrapper implements WritableMessage {
    public final ByteBuffer visible;

    public ByteBufferWrapper(ByteBuffer buffer) {
        this.visible = buffer;
    }
}
