package dev.acp.temporal;

import io.temporal.authorization.AuthorizationTokenSupplier;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a Temporal service is and how to reach it: the frontend's {@code host:port}, the
 * namespace, the task queue ACP's workers poll, and for a production cluster TLS and an API key
 * (Temporal Cloud's). The key is read from the environment by the caller and never printed.
 */
public record TemporalTarget(String target, String namespace, String taskQueue, boolean tls,
        @Nullable String apiKey) {
    public static final String DEFAULT_TARGET = "127.0.0.1:7233";
    public static final String DEFAULT_NAMESPACE = "default";
    public static final String DEFAULT_TASK_QUEUE = "acp";

    public TemporalTarget {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(taskQueue, "taskQueue");
    }

    @Override
    public String toString() {
        // Never the key.
        return target + " (namespace " + namespace + ", task queue " + taskQueue + (tls ? ", TLS" : "") + ")";
    }

    /**
     * A connection to the service, checked within {@code timeout}; close it with
     * {@link WorkflowServiceStubs#shutdown()}. Throws {@link Unreachable} when the service does not answer.
     */
    public WorkflowServiceStubs connect(java.time.Duration timeout) {
        WorkflowServiceStubsOptions.Builder b = WorkflowServiceStubsOptions.newBuilder().setTarget(target);
        if (tls) {
            b.setEnableHttps(true);
        }
        if (apiKey != null) {
            String key = apiKey;
            b.addApiKey((AuthorizationTokenSupplier) () -> key);
        }
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(b.build());
        try {
            // One plain call under a deadline we choose, so that an unreachable service is a one-line error.
            service.blockingStub().withDeadlineAfter(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .getSystemInfo(io.temporal.api.workflowservice.v1.GetSystemInfoRequest.getDefaultInstance());
            return service;
        } catch (RuntimeException e) {
            service.shutdownNow();
            throw new Unreachable("cannot reach Temporal at " + this + ": " + oneLine(e), e);
        }
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.replaceAll("\\s*\\R\\s*", " ");
    }

    /** The service did not answer. */
    public static final class Unreachable extends RuntimeException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public WorkflowClient client(WorkflowServiceStubs service) {
        return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    }
}
