package dev.acp.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.pipeline.Capability;
import dev.acp.provider.AccessCheck;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ready and live: which checks are required, what is cached and for how long, and the JSON. */
class HealthChecksTest {
    private static final String KEY = "sk-health0123456789abcdefghij";

    @TempDir
    Path dir;

    private Instant now = Instant.parse("2026-12-07T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    /** A provider whose free check answers {@code answer} and counts its calls. */
    private static final class Checked implements ProviderFactory, Provider {
        private final String id;
        private final List<String> credentials;
        private volatile AccessCheck answer;
        final AtomicInteger calls = new AtomicInteger();

        Checked(String id, List<String> credentials, AccessCheck answer) {
            this.id = id;
            this.credentials = credentials;
            this.answer = answer;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.PROMPT_GENERATION);
        }

        @Override
        public List<String> credentialVariables() {
            return credentials;
        }

        @Override
        public Provider create(ProviderContext context) {
            return this;
        }

        @Override
        public AccessCheck checkAccess() {
            calls.incrementAndGet();
            return answer;
        }

        @Override
        public ProviderResult execute(ProviderRequest request) {
            throw new AssertionError("a health check never runs a step");
        }
    }

    private final Checked engine = new Checked("local", List.of(), AccessCheck.ok("ffmpeg 4.4.1 bundled"));
    private final Checked paid = new Checked("paid", List.of("PAID_API_KEY"),
            new AccessCheck(AccessCheck.Status.FAILED, "HTTP 500 from the account endpoint for key " + KEY, null));
    private final Checked unset = new Checked("unset", List.of("UNSET_API_KEY"), AccessCheck.ok("never asked"));

    private HealthChecks checks(Path home) {
        Environment env = Environment.of(Map.of("PAID_API_KEY", KEY, "ACP_HOME", home.toString()));
        ProviderContext context = ProviderContext.of(env, home, clock);
        ProviderRegistry registry = ProviderRegistry.of(context, engine, paid, unset);
        return new HealthChecks(registry, home, Secrets.from(env, List.of("PAID_API_KEY")), clock,
                Duration.ofSeconds(60), Duration.ofSeconds(10), true);
    }

    @Test
    void ready_when_the_state_folder_and_the_engines_work_even_if_a_provider_does_not() throws Exception {
        HealthReport r = checks(dir.resolve("home")).ready();

        assertThat(r.up()).as(r.toJson()).isTrue();
        assertThat(r.httpStatus()).isEqualTo(200);
        JsonNode json = new ObjectMapper().readTree(r.toJson());
        assertThat(json.get("status").asText()).isEqualTo("up");
        assertThat(json.get("checks").findValuesAsText("name"))
                .containsExactly("state_folder", "engine:local", "provider:paid", "provider:unset");
        assertThat(json.get("checks").get(2).get("status").asText()).isEqualTo("failed");
        assertThat(json.get("checks").get(3).get("status").asText()).isEqualTo("not_checked");
        assertThat(r.toJson()).doesNotContain(KEY).contains(Secrets.MASK);
        assertThat(unset.calls).hasValue(0); // no credentials: never contacted
    }

    @Test
    void down_with_503_when_the_offline_engines_fail() throws Exception {
        engine.answer = new AccessCheck(AccessCheck.Status.FAILED, "no ffmpeg", "install ffmpeg");

        HealthReport r = checks(dir.resolve("home")).ready();

        assertThat(r.up()).isFalse();
        assertThat(r.httpStatus()).isEqualTo(503);
        assertThat(r.toJson()).contains("\"status\":\"down\"").contains("install ffmpeg");
    }

    @Test
    void down_when_the_state_folder_cannot_take_a_file() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");

        HealthReport r = checks(file).ready();

        assertThat(r.up()).isFalse();
        assertThat(r.checks().get(0).status()).isEqualTo(HealthReport.Status.FAILED);
        assertThat(r.checks().get(0).fix()).contains("ACP_HOME");
    }

    @Test
    void engine_and_provider_checks_are_reused_for_the_cache_time_then_run_again() throws Exception {
        HealthChecks h = checks(dir.resolve("home"));
        h.ready();
        now = now.plusSeconds(59);
        h.ready();
        assertThat(engine.calls).hasValue(1);
        assertThat(paid.calls).hasValue(1);

        now = now.plusSeconds(1);
        h.ready();
        assertThat(engine.calls).hasValue(2);
        assertThat(paid.calls).hasValue(2);
    }

    @Test
    void live_needs_nothing_but_the_process() {
        engine.answer = new AccessCheck(AccessCheck.Status.FAILED, "no ffmpeg", null);

        HealthReport r = checks(dir.resolve("home")).live();

        assertThat(r.up()).isTrue();
        assertThat(engine.calls).hasValue(0);
    }
}
