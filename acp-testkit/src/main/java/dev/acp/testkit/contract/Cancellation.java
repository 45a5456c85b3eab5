package dev.acp.testkit.contract;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import java.util.Objects;

/**
 * How a job provider stops a job, as its API documents it: the request it sends, or none at all
 * (and why), in which case {@code cancel} must send nothing and succeed.
 */
public sealed interface Cancellation {

    /**
     * The documented cancel request.
     *
     * @param call the request, as a fresh WireMock mapping without a response, for the job that
     *     {@link JobProviderContract#submitted()} accepted
     */
    record Request(MappingBuilder call) implements Cancellation {
        public Request {
            Objects.requireNonNull(call, "call");
        }
    }

    /**
     * The provider's API documents no way to cancel a job.
     *
     * @param reason what the provider's documentation says, for a reader of the test
     */
    record None(String reason) implements Cancellation {
        public None {
            if (reason.isBlank()) {
                throw new IllegalArgumentException("say why the provider cannot cancel a job");
            }
        }
    }
}
