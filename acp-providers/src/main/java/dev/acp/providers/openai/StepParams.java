package dev.acp.providers.openai;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.Provider.Issue;
import dev.acp.providers.support.StepConfig;
import java.util.Map;
import java.util.Optional;

/** A step's config as the chat, speech and image tasks read it (see {@link StepConfig}). */
final class StepParams extends StepConfig {

    private StepParams(Map<String, Object> values, boolean checking) {
        super(values, checking);
    }

    static StepParams forCheck(Map<String, Object> values) {
        return new StepParams(values, true);
    }

    static StepParams forExecute(Map<String, Object> values) {
        return new StepParams(values, false);
    }

    /** At run time: the first problem as a VALIDATION failure, before anything is paid for. */
    void throwIfInvalid(String provider) throws ProviderException {
        Optional<Issue> error = issues().stream().filter(i -> !i.isWarning()).findFirst();
        if (error.isPresent()) {
            Issue i = error.get();
            throw new ProviderException(ErrorKind.VALIDATION, provider + ": " + i.message() + " (" + i.fix() + ")");
        }
    }

}
