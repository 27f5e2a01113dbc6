package dev.tandem.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting of Tandem in one typed place. Each value is read from the system property
 * {@code tandem.<name>} first, then the environment variable {@code TANDEM_<NAME>} (dots become
 * underscores, camelCase becomes SNAKE_CASE), then falls back to the default documented on the
 * field's accessor.
 */
public record TandemConfig(
        /** API key for server-side REST calls. No default: generated and printed at first start by {@code bin/run}. */
        String apiKey,
        /** HMAC secret (>= 32 bytes) signing join tokens. Zero value: a random secret per process, tokens die with it. */
        String tokenSecret,
        /** Key id put in the header of minted tokens, so secrets can rotate. Default {@code k1}. */
        String tokenKeyId,
        /** Default lifetime of a minted join token. Default 3600 s. */
        long tokenTtlSeconds,
        /** Largest accepted inbound frame in bytes (UTF-8). Default 65536. */
        int maxFrameBytes,
        /** Largest accepted inbound {@code doc.sync} or {@code doc.ops} frame (and SSE body holding one), in bytes:
         *  a sync message carries every change the server lacks at once and cannot be split. Default 16 MiB. */
        int maxDocumentFrameBytes,
        /** Events always kept per topic for resume and catching up, unless the channel overrides it. Default 1000. */
        int historySize,
        /** Per-channel history size overrides, {@code chat=5000,agent=200}. Default none. */
        Map<String, Integer> historyByChannel,
        /** Older events are kept too while younger than this, within the byte bounds. Default 60 s (the session TTL). */
        long historyRetainSeconds,
        /** What a topic's history may weigh with those older events; never fewer than {@link #historySize} events are kept. Default 8 MiB. */
        long historyMaxBytes,
        /** What all topics may weigh together; past it, topics keep only their newest {@link #historySize}, and topics
         *  with no subscriber are let go, least recently used first. Default 128 MiB. */
        long historyTotalMaxBytes,
        /** Events returned in a log channel's snapshot. Default 50. */
        int snapshotEvents,
        /** Channels whose snapshot is a JSON value updated by merge patches. Default {@code ui,state}. */
        Set<String> stateChannels,
        /** Reliable frames waiting to be written before a connection is cut as a slow consumer. Default 1000. */
        int outboxMaxFrames,
        /** Reliable bytes waiting to be written before a connection is cut as a slow consumer. Default 4 MiB. */
        long outboxMaxBytes,
        /** Frames kept after sending so a dropped session resumes by position. Default 1000. */
        int replayFrames,
        /** How long a session outlives its last transport (SSE reconnects, WS resume). Default 60 s. */
        long sessionTtlSeconds,
        /** Interval of server pings (WebSocket) and keep-alive comments (SSE). Default 20 s. */
        long heartbeatSeconds,
        /** Threads writing to sockets. Zero value: 2 x available processors. */
        int writerThreads,
        /** Topics one connection may subscribe to, and documents one connection may subscribe to. Default 100. */
        int maxSubscriptions,
        /** JNDI name of a container datasource (PostgreSQL in production). Zero value: the embedded H2 below. */
        String datasource,
        /** JDBC URL of the embedded database when no datasource is named. Default an H2 file in ~/.tandem. */
        String dbUrl,
        /** Changes appended to a document before they are compacted into one snapshot. Default 200. */
        int docsCompactEvery,
        /** Documents kept loaded in memory; the least recently used beyond it are evicted. Default 200. */
        int docsMaxLoaded,
        /** A document unused this long is evicted from memory (it stays in the database). Default 300 s. */
        long docsIdleSeconds,
        /** Document sync flow control: at most one unsolicited sync message per peer per window. Default 50 ms. */
        long docsSyncWindowMs,
        /** Signing keys, expiry warnings, per-connection limits, allowed origins: see {@link SecurityConfig}. */
        SecurityConfig security) {

    public static TandemConfig fromEnvironment() {
        return from(name -> {
            String prop = System.getProperty("tandem." + name);
            return prop != null ? prop : System.getenv(envName(name));
        });
    }

    /** Reads every setting through {@code lookup} (name without the {@code tandem.} prefix). */
    public static TandemConfig from(Function<String, String> lookup) {
        Reader r = new Reader(lookup);
        return new TandemConfig(
                r.string("apiKey", null),
                r.string("tokenSecret", null),
                r.string("tokenKeyId", "k1"),
                r.longValue("tokenTtlSeconds", 3600),
                r.intValue("maxFrameBytes", 65_536),
                r.intValue("maxDocumentFrameBytes", 16 * 1024 * 1024),
                r.intValue("history.size", 1000),
                r.intMap("history.channels"),
                r.longValue("history.retainSeconds", 60),
                r.longValue("history.maxBytes", 8L * 1024 * 1024),
                r.longValue("history.totalMaxBytes", 128L * 1024 * 1024),
                r.intValue("snapshot.events", 50),
                r.set("stateChannels", "ui,state"),
                r.intValue("outbox.maxFrames", 1000),
                r.longValue("outbox.maxBytes", 4L * 1024 * 1024),
                r.intValue("session.replayFrames", 1000),
                r.longValue("session.ttlSeconds", 60),
                r.longValue("heartbeatSeconds", 20),
                r.intValue("writerThreads", 0),
                r.intValue("maxSubscriptions", 100),
                r.string("datasource", null),
                r.string("db.url", "jdbc:h2:file:" + System.getProperty("user.home") + "/.tandem/tandem"),
                r.intValue("docs.compactEvery", 200),
                r.intValue("docs.maxLoaded", 200),
                r.longValue("docs.idleSeconds", 300),
                r.longValue("docs.syncWindowMs", 100),
                SecurityConfig.from(lookup));
    }

    public static TandemConfig defaults() {
        return from(name -> null);
    }

    public int historySizeFor(String channel) {
        return historyByChannel.getOrDefault(channel, historySize);
    }

    public int effectiveWriterThreads() {
        return writerThreads > 0 ? writerThreads : 2 * Runtime.getRuntime().availableProcessors();
    }

    public TandemConfig withOutbox(int maxFrames, long maxBytes) {
        return new TandemConfig(apiKey, tokenSecret, tokenKeyId, tokenTtlSeconds, maxFrameBytes, maxDocumentFrameBytes, historySize,
                historyByChannel, historyRetainSeconds, historyMaxBytes, historyTotalMaxBytes, snapshotEvents, stateChannels, maxFrames, maxBytes, replayFrames,
                sessionTtlSeconds, heartbeatSeconds, writerThreads, maxSubscriptions, datasource, dbUrl, docsCompactEvery,
                docsMaxLoaded, docsIdleSeconds, docsSyncWindowMs, security);
    }

    /** Keeps exactly the newest {@code size} events per topic, however young. */
    public TandemConfig withHistorySize(int size) {
        return new TandemConfig(apiKey, tokenSecret, tokenKeyId, tokenTtlSeconds, maxFrameBytes, maxDocumentFrameBytes, size,
                historyByChannel, 0, 0, Long.MAX_VALUE, snapshotEvents, stateChannels, outboxMaxFrames, outboxMaxBytes, replayFrames,
                sessionTtlSeconds, heartbeatSeconds, writerThreads, maxSubscriptions, datasource, dbUrl, docsCompactEvery,
                docsMaxLoaded, docsIdleSeconds, docsSyncWindowMs, security);
    }

    static String envName(String name) {
        return "TANDEM_" + name.replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').toUpperCase();
    }

    record Reader(Function<String, String> lookup) {
        Optional<String> raw(String name) {
            return Optional.ofNullable(lookup.apply(name)).map(String::trim).filter(s -> !s.isEmpty());
        }

        String string(String name, String fallback) {
            return raw(name).orElse(fallback);
        }

        int intValue(String name, int fallback) {
            return raw(name).map(v -> parse(name, v, Integer::parseInt)).orElse(fallback);
        }

        long longValue(String name, long fallback) {
            return raw(name).map(v -> parse(name, v, Long::parseLong)).orElse(fallback);
        }

        Set<String> set(String name, String fallback) {
            return Arrays.stream(raw(name).orElse(fallback).split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        }

        Map<String, Integer> intMap(String name) {
            return raw(name).map(v -> Arrays.stream(v.split(","))
                    .map(String::trim).filter(s -> s.contains("="))
                    .collect(Collectors.toUnmodifiableMap(
                            s -> s.substring(0, s.indexOf('=')).trim(),
                            s -> parse(name, s.substring(s.indexOf('=') + 1).trim(), Integer::parseInt))))
                    .orElse(Map.of());
        }

        private static <T> T parse(String name, String value, Function<String, T> parser) {
            try {
                return parser.apply(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tandem." + name + ": not a number: " + value, e);
            }
        }
    }
}
