package dev.acp.providers.elevenlabs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.error.ErrorKind;
import dev.acp.http.ErrorMapper.Classified;
import dev.acp.http.HttpResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ElevenLabsErrorMapperTest {
    private final ElevenLabsErrorMapper mapper = new ElevenLabsErrorMapper();

    private Classified classify(int status, String body) {
        return mapper.classify(new HttpResult(status, Map.of("Content-Type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | {"detail":{"status":"max_character_limit_exceeded","message":"too long"}} | VALIDATION | max_character_limit_exceeded: too long
            401 | {"detail":{"status":"invalid_api_key","message":"Invalid API key"}}        | AUTH       | invalid_api_key: Invalid API key
            401 | {"detail":{"status":"quota_exceeded","message":"no credits"}}             | QUOTA      | quota_exceeded: no credits
            400 | {"detail":{"status":"quota_exceeded","message":"no credits"}}             | QUOTA      | quota_exceeded
            404 | {"detail":{"status":"voice_not_found","message":"no such voice"}}         | NOT_FOUND  | voice_not_found
            400 | {"detail":{"status":"voice_not_found","message":"no such voice"}}         | NOT_FOUND  | voice_not_found
            429 | {"detail":{"status":"too_many_concurrent_requests","message":"slow"}}     | RATE_LIMIT | too_many_concurrent_requests
            429 | {"detail":{"status":"system_busy","message":"busy"}}                      | TRANSIENT  | system_busy: busy
            429 | {"detail":{"type":"rate_limit_exceeded","message":"m","request_id":"r"}}  | RATE_LIMIT | rate_limit_exceeded: m
            422 | {"detail":[{"loc":["body","voice_settings","stability"],"msg":"must be <= 1"},{"msg":"second"}]} | VALIDATION | body.voice_settings.stability: must be <= 1; second
            400 | {"detail":"Bad request text"}                                              | VALIDATION | Bad request text
            401 | {"detail":{"status":"detected_unusual_activity","message":"free tier"}}   | AUTH       | detected_unusual_activity: free tier
            402 | {"detail":{"status":"payment_required","message":"upgrade"}}             | QUOTA      | payment_required
            500 | {"detail":{"status":"internal_server_error"}}                             | TRANSIENT  | internal_server_error
            503 | not json at all                                                           | TRANSIENT  | not json at all
            403 | {"message":"gateway says no"}                                             | AUTH       | gateway says no
            502 | ''                                                                        | TRANSIENT  | HTTP 502
            """)
    void should_classify_by_code_before_status(int status, String body, ErrorKind kind, String message) {
        Classified c = classify(status, body);

        assertThat(c.kind()).isEqualTo(kind);
        assertThat(c.message()).contains(message);
    }
}
