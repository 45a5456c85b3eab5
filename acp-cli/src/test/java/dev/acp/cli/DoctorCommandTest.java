package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.engine.LocalEngine;
import dev.acp.env.Environment;
import dev.acp.provider.AccessCheck;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
    private static final String KEY = "canary-key-123456789";

    @TempDir
    Path dir;

    /** A provider whose free call answers as scripted, counting the calls. */
    private static ProviderFactory provider(String id, String variable, AccessCheck answer, AtomicInteger calls) {
        return new ProviderFactory() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public Set<Capability> capabilities() {
                return Set.of(Capability.TEXT_TO_IMAGE);
            }

            @Override
            public List<String> credentialVariables() {
                return List.of(variable);
            }

            @Override
            public Provider create(ProviderContext context) {
                return new Provider() {
                    @Override
                    public String id() {
                        return id;
                    }

                    @Override
                    public Set<Capability> capabilities() {
                        return Set.of(Capability.TEXT_TO_IMAGE);
                    }

                    @Override
                    public AccessCheck checkAccess() {
                        calls.incrementAndGet();
                        return answer;
                    }

                    @Override
                    public ProviderResult execute(ProviderRequest request) {
                        throw new AssertionError("doctor must not run steps");
                    }
                };
            }
        };
    }

    private CliRunner runner(AtomicInteger calls) {
        return new CliRunner(dir).env("GOOD_KEY", KEY).env("BAD_KEY", KEY + "-bad").acpFactory(env -> Acp.create(env,
                ProviderRegistry.of(ProviderContext.of(env, Acp.acpHome(env), Clock.systemUTC()),
                        provider("good", "GOOD_KEY", AccessCheck.ok("key accepted; 12 models"), calls),
                        provider("bad", "BAD_KEY", new AccessCheck(AccessCheck.Status.REFUSED, "HTTP 401: invalid key",
                                "create a new key"), calls),
                        provider("unset", "UNSET_KEY", AccessCheck.ok("never asked"), calls)),
                LocalEngine.Options.defaults(env)));
    }

    @Test
    void refused_credentials_exit_3_with_what_to_do_and_unset_ones_are_only_noted() {
        AtomicInteger calls = new AtomicInteger();
        CliRunner.Result r = runner(calls).run("doctor");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.out()).contains("java").contains("state directory").contains("config.yaml")
                .containsPattern("good\\s+ok\\s+key accepted; 12 models")
                .containsPattern("bad\\s+REFUSED\\s+HTTP 401: invalid key")
                .containsPattern("unset\\s+-\\s+not configured")
                .contains("What to do").contains("bad: create a new key").contains("unset: only needed for steps")
                .doesNotContain(KEY);
        assertThat(calls).hasValue(2);
    }

    @Test
    void offline_contacts_no_provider_and_one_provider_can_be_checked_alone() {
        AtomicInteger calls = new AtomicInteger();
        CliRunner.Result offline = runner(calls).run("doctor", "--offline");
        assertThat(offline.exitCode()).as(offline.err()).isZero();
        assertThat(offline.out()).contains("not contacted (--offline)");
        assertThat(calls).hasValue(0);

        CliRunner.Result one = runner(calls).run("doctor", "--provider", "good", "--format", "json");
        assertThat(one.exitCode()).isZero();
        assertThat(one.out()).contains("\"check\" : \"good\"").doesNotContain("state directory");
        assertThat(calls).hasValue(1);

        CliRunner.Result unknown = runner(calls).run("doctor", "--provider", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no provider 'nope'");
    }

    @Test
    void an_unwritable_state_directory_is_a_failure_with_a_fix() throws Exception {
        Path file = dir.resolve("a-file");
        java.nio.file.Files.writeString(file, "x");
        AccessCheck c = DoctorCommand.stateDirectory(file.resolve("home"));
        assertThat(c.status()).isEqualTo(AccessCheck.Status.FAILED);
        assertThat(c.fix()).contains("ACP_HOME");
    }
}
