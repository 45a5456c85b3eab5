package dev.acp.provider;

import dev.acp.error.ErrorKind;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What a poll of a submitted job found. */
public sealed interface JobStatus permits JobStatus.Pending, JobStatus.Succeeded, JobStatus.Failed {

    /**
     * Still queued or running.
     *
     * @param progress between 0 and 1, or negative when unknown
     * @param pollAfter how long the provider suggests waiting before the next poll, or null
     */
    record Pending(double progress, String message, @Nullable Duration pollAfter) implements JobStatus {
        public Pending {
            Objects.requireNonNull(message, "message");
        }
    }

    /** Finished; the result can be fetched. */
    record Succeeded() implements JobStatus {}

    /** Finished without a result. */
    record Failed(ErrorKind kind, String message) implements JobStatus {
        public Failed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }
}
