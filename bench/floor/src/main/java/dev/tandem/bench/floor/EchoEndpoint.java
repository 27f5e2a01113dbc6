package dev.tandem.bench.floor;

import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The least a JSR-356 application can be: every text message is sent back as it came. The idle
 * scenario opens its connections here first, each sending one message and waiting for the echo, to
 * measure what the container itself keeps per idle WebSocket connection on the same server process
 * that then serves Tandem's.
 */
@ServerEndpoint("/echo")
public class EchoEndpoint {

    @OnMessage
    public void echo(String text, Session session) {
        session.getAsyncRemote().sendText(text);
    }
}
