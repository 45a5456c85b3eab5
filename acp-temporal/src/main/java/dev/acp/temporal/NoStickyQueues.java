package dev.acp.temporal;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;

/**
 * Keeps the dev server from routing a workflow's tasks to one worker's own ("sticky") queue. A
 * worker that completes a workflow task asks for the next ones on its sticky queue; a real
 * Temporal server gives such a task back to the shared queue when no one starts it within the
 * sticky schedule-to-start timeout (5 s), but Temporal's test server has no such timeout: after
 * the worker was killed, the run's next task waited on the dead worker's queue for ever and the
 * run hung (TemporalCrashIT, DevServerTest). Dropping the request's sticky attributes is what a
 * server without sticky execution does; every worker then takes tasks from the shared queue and
 * replays the workflow's history, which the SDK does whenever a task is not sticky.
 */
final class NoStickyQueues implements ServerInterceptor {
    private static final String COMPLETED = WorkflowServiceGrpc.getRespondWorkflowTaskCompletedMethod()
            .getFullMethodName();

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (!COMPLETED.equals(call.getMethodDescriptor().getFullMethodName())) {
            return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                super.onMessage(withoutSticky(message));
            }
        };
    }

    @SuppressWarnings("unchecked") // the method's request type: the same Q goes in and out
    private static <Q> Q withoutSticky(Q message) {
        if (message instanceof RespondWorkflowTaskCompletedRequest r && r.hasStickyAttributes()) {
            return (Q) r.toBuilder().clearStickyAttributes().build();
        }
        return message;
    }
}
