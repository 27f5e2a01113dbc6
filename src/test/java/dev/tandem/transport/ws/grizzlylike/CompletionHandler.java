package dev.tandem.transport.ws.grizzlylike;

/** Look-alike of Grizzly's CompletionHandler. */
public interface CompletionHandler<E> {
    void cancelled();

    void failed(Throwable error);

    void completed(E result);

    void updated(E result);
}
