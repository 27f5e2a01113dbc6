package dev.tandem.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A minimal event-stream client on a plain socket with a tiny receive buffer, for playing a slow SSE
 * consumer (see {@link RawWsClient} for why the JDK client cannot): reads only when the test says so.
 * Frames go up by POST, as with {@link SseClient}.
 */
final class RawSseClient implements AutoCloseable {
    final ReceivedFrames frames = new ReceivedFrames();
    final String sessionId;
    private final URI base;
    private final Socket socket;
    private final InputStream body;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile String lastEventId;
    /** True once the server ended the stream (as opposed to a read timing out). */
    volatile boolean endedByServer;

    RawSseClient(URI base, String token) throws IOException {
        this.base = base;
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(60_000);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + base.getRawPath() + "api/realtime/sse?token=" + token + " HTTP/1.1\r\nHost: "
                + base.getHost() + ":" + base.getPort() + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String status = readLine(in);
        if (!status.contains(" 200 ")) {
            throw new IOException("stream refused: " + status);
        }
        boolean chunked = false;
        for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
            chunked |= header.toLowerCase().replace(" ", "").equals("transfer-encoding:chunked");
        }
        body = chunked ? new ChunkedBody(in) : in;
        if (readEvent() == null) {
            throw new IOException("stream ended before welcome");
        }
        sessionId = frames.awaitType("welcome").getString("session");
    }

    /** POSTs one frame upstream; returns the HTTP status. */
    int send(String frame) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/realtime/sse/" + sessionId))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(frame)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** POSTs a body upstream; returns the status and the JSON body. */
    Rest.Reply post(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/realtime/sse/" + sessionId))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Rest.Reply(response.statusCode(), response.body().isEmpty() ? null
                : jakarta.json.Json.createReader(new java.io.StringReader(response.body())).readObject());
    }

    /** Reads events until the reply to request {@code id} has arrived. */
    void readUntilReply(String id) throws IOException {
        String data;
        do {
            data = readEvent();
            if (data == null) {
                throw new IOException("stream ended before the reply to " + id);
            }
        } while (!data.contains("\"id\":\"" + id + "\""));
    }

    /** Reads everything until the server ends the stream, or nothing arrives for 60 s. */
    void readToEnd() {
        try {
            while (readEvent() != null) {
                // keep reading
            }
            endedByServer = true;
        } catch (IOException timedOutOrReset) {
            // endedByServer stays false
        }
    }

    String lastEventId() {
        return lastEventId;
    }

    /** Reads one event (comments are skipped) and returns its data; null at the end of the stream. */
    private String readEvent() throws IOException {
        StringBuilder data = null;
        String id = null;
        while (true) {
            String line = readLine(body);
            if (line == null) {
                return null;
            }
            if (line.isEmpty()) {
                if (data != null) {
                    if (id != null) {
                        lastEventId = id;
                    }
                    frames.addText(data.toString());
                    return data.toString();
                }
            } else if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (line.startsWith("id:")) {
                id = line.substring(line.startsWith("id: ") ? 4 : 3);
            }
        }
    }

    /** One line without its line break, UTF-8; null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return c == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** HTTP/1.1 chunked transfer coding (RFC 9112, 7.1): the body's bytes; end of stream at the last chunk. */
    private static final class ChunkedBody extends InputStream {
        private final DataInputStream in;
        private int left;
        private boolean done;

        ChunkedBody(DataInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = readLine(in);
                if (size == null) {
                    done = true;
                    return -1;
                }
                if (size.isEmpty()) {
                    size = readLine(in); // the CRLF that ended the previous chunk
                }
                int semicolon = size.indexOf(';');
                left = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            left--;
            return in.read();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
