package dev.tandem.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * A minimal WebSocket client on a plain socket with a tiny receive buffer, for playing a slow consumer:
 * the JDK client cannot shrink its socket buffers, and loopback autotuning lets the kernel absorb tens
 * of megabytes, hiding backpressure from the server.
 */
final class RawWsClient implements AutoCloseable {
    final ReceivedFrames frames = new ReceivedFrames();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawWsClient(URI base, String token) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(60_000);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(16));
        String path = base.getRawPath() + "api/realtime?token=" + token;
        out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in = new DataInputStream(socket.getInputStream());
        String status = readLine();
        if (!status.contains(" 101 ")) {
            throw new IOException("upgrade refused: " + status);
        }
        while (!readLine().isEmpty()) {
            // Skip the response headers.
        }
    }

    /** Sends one masked text frame. */
    void send(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        var frame = new java.io.ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Reads frames until {@code count} text frames arrived (or the connection closed). */
    void read(int count) throws IOException {
        for (int i = 0; i < count && !closed.isDone(); ) {
            if (readFrame()) {
                i++;
            }
        }
    }

    /** Reads everything until the server closes. */
    void readToEnd() {
        try {
            while (!closed.isDone()) {
                readFrame();
            }
        } catch (IOException e) {
            closed.complete(-1);
        }
    }

    /** Returns true for a text frame. */
    private boolean readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        int opcode = first & 0x0f;
        if (opcode == 0x8) {
            closed.complete(payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005);
            return false;
        }
        if (opcode == 0x1) {
            frames.addText(new String(payload, StandardCharsets.UTF_8));
            return true;
        }
        return false;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
