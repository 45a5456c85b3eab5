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
     * @param queuePosition how many requests wait before this one in the provider's queue, or -1
     *     when the provider does not say (or the job is running)
     */
    record Pending(double progress, String message, @Nullable Duration pollAfter, int queuePosition)
            implements JobStatus {
        public Pending {
            Objects.requireNonNull(message, "message");
        }

        public Pending(double progress, String message, @Nullable Duration pollAfter) {
            this(progress, message, pollAfter, -1);
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
