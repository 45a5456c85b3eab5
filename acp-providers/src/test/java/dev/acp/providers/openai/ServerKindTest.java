package dev.acp.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ServerKindTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "https://api.openai.com/v1, OPENAI",
        "https://API.OpenAI.com/v1/, OPENAI",
        "http://localhost:11434/v1, LOCAL",
        "http://ollama.localhost/v1, LOCAL",
        "http://127.0.0.1:11434/v1, LOCAL",
        "http://127.8.9.1/v1, LOCAL",
        "http://[::1]:11434/v1, LOCAL",
        "http://10.0.0.5:8000/v1, LOCAL",
        "http://172.16.3.4/v1, LOCAL",
        "http://172.31.255.1/v1, LOCAL",
        "http://192.168.1.20:1234/v1, LOCAL",
        "http://169.254.10.1/v1, LOCAL",
        "http://100.101.102.103/v1, LOCAL",
        "http://[fd12:3456::1]/v1, LOCAL",
        "http://[fe80::1]/v1, LOCAL",
        "http://ollama:11434/v1, LOCAL",
        "http://gpu-box.local/v1, LOCAL",
        "http://host.docker.internal:11434/v1, LOCAL",
        "http://nas.home.arpa/v1, LOCAL",
        "https://api.groq.com/openai/v1, REMOTE",
        "https://openrouter.ai/api/v1, REMOTE",
        "http://172.32.0.1/v1, REMOTE",
        "http://8.8.8.8/v1, REMOTE",
        "http://100.128.0.1/v1, REMOTE",
        "http://[2001:db8::1]/v1, REMOTE",
        "https://api.openai.com.evil.example/v1, REMOTE",
    })
    void should_classify_servers_by_host_without_a_lookup(String url, ServerKind expected) {
        assertThat(ServerKind.of(URI.create(url))).isEqualTo(expected);
    }
}
