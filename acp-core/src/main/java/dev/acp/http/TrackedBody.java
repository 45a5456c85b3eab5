package dev.acp.http;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body that remembers whether the HTTP client took all of it. When a paid request
 * fails on the network before its body was all taken, the provider cannot have received the
 * whole request, so nothing was done or billed and it may be sent again; once it was taken, the
 * provider may have it, and the outcome is unknown.
 */
final class TrackedBody implements HttpRequest.BodyPublisher {
    private final HttpRequest.BodyPublisher inner;
    private final java.util.concurrent.atomic.AtomicLong handedOut = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean taken;

    TrackedBody(HttpRequest.BodyPublisher inner) {
        this.inner = inner;
    }

    /**
     * Whether the client took the whole body (it may have been sent): every byte was handed out,
     * or the body ended. The last bytes may be written before the client asks for the end, so the
     * count decides as soon as it reaches the length.
     */
    boolean taken() {
        long length = inner.contentLength();
        return taken || length >= 0 && handedOut.get() >= length;
    }

    @Override
    public long contentLength() {
        return inner.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        inner.subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                handedOut.addAndGet(item.remaining());
                subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                taken = true;
                subscriber.onComplete();
            }
        });
    }
}
