package dev.acp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.acp.error.AcpException;
import dev.acp.error.BudgetRefusedException;
import dev.acp.error.CredentialsException;
import dev.acp.error.PipelineInvalidException;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import dev.acp.pipeline.Problem;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The failure of a command run with {@code --format json}, as one JSON object on stdout so that
 * a script reads one document whatever happened; the usual line still goes to stderr for people:
 *
 * <pre>{"error": {"message": "...", "exit_code": 2, "kind": "usage", "problems": [...]}}</pre>
 *
 * {@code kind} is one of {@link Kind}'s names; {@code problems} (validation findings) only for
 * an invalid pipeline.
 */
final class JsonErrors {
    private JsonErrors() {}

    /** What went wrong, in words a script can switch on; each maps to one exit code. */
    enum Kind {
        usage,
        invalid_pipeline,
        credentials,
        budget,
        provider,
        interrupted,
        internal
    }

    /** Whether the command line asked for JSON output ({@code --format json}, any case). */
    static boolean requested(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equalsIgnoreCase("--format=json") || a.equals("--format") && i + 1 < args.size()
                    && args.get(i + 1).equalsIgnoreCase("json")) {
                return true;
            }
        }
        return false;
    }

    static Kind kind(AcpException e) {
        return switch (e) {
            case PipelineInvalidException p -> p.onlyCredentials() ? Kind.credentials : Kind.invalid_pipeline;
            case UsageException u -> Kind.usage;
            case CredentialsException c -> Kind.credentials;
            case BudgetRefusedException b -> Kind.budget;
            case ProviderException p -> Kind.provider;
        };
    }

    static void print(PrintWriter out, String message, ExitCode code, Kind kind, @Nullable List<Problem> problems) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("exit_code", code.code());
        error.put("kind", kind.name());
        if (problems != null) {
            error.put("problems", problems.stream().map(JsonErrors::problem).toList());
        }
        try {
            out.println(CliJson.pretty().writeValueAsString(Map.of("error", error)));
        } catch (JsonProcessingException e) {
            // Plain maps of strings and numbers always serialise.
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** One validation finding: where, which step, what and the fix. */
    static Map<String, Object> problem(Problem p) {
        return p.toJson();
    }
}
