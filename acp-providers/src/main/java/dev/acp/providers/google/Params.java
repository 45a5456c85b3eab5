package dev.acp.providers.google;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.Provider.Issue;
import dev.acp.providers.support.StepConfig;
import java.util.List;
import java.util.Map;

/** A step's config as the Google provider reads it (see {@link StepConfig}). */
final class Params extends StepConfig {

    private Params(Map<String, Object> values, boolean checking) {
        super(values, checking);
    }

    static Params forCheck(Map<String, Object> values) {
        return new Params(values, true);
    }

    static Params forExecute(Map<String, Object> values) {
        return new Params(values, false);
    }

    /** At run time: the first problem as a VALIDATION failure, before anything is paid for. */
    void throwIfInvalid() throws ProviderException {
        List<Issue> found = issues();
        if (!found.isEmpty()) {
            Issue i = found.getFirst();
            throw new ProviderException(ErrorKind.VALIDATION, "google: " + (i.parameter() == null ? ""
                    : "config." + i.parameter() + ": ") + i.message() + " (" + i.fix() + ")");
        }
    }

}
