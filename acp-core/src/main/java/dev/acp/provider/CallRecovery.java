package dev.acp.provider;

import java.util.Objects;

/**
 * What a provider found when asked about a paid request whose answer was lost (the process
 * stopped while the answer was on its way): see {@link Provider#recoverCall}.
 */
public sealed interface CallRecovery {

    /** The provider kept the result: it is the step's result, paid once. */
    record Found(ProviderResult result) implements CallRecovery {
        public Found {
            Objects.requireNonNull(result, "result");
        }
    }

    /** The provider's records show the request never arrived (so it was not billed): it may be sent. */
    record NotReceived(String why) implements CallRecovery {}

    /** The provider cannot tell: sending again could pay twice. */
    record Unknown(String why) implements CallRecovery {}
}
