package dev.acp.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.acp.error.ProviderException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the transport sends about itself, and that the API key never reaches a message. */
class HttpTransportSecretsContractTest extends AbstractTransportContractTest {

    @TempDir
    Path dir;

    private HttpCall withAuthorization(HttpCall c) {
        return new HttpCall(c.method(), c.uri(), Map.of("Authorization", "Bearer " + SECRET), c.body(), c.timeout(),
                c.retry(), c.errors(), c.governor(), c.secrets());
    }

    /** Everything a user or a log could see of the failure: message, toString and stack trace. */
    private static String everything(ProviderException e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return e.getMessage() + "\n" + e + "\n" + out;
    }

    @Test
    void should_send_the_user_agent() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(ok("[]")));

        transport.execute(safeGet("/v1/models"));

        assertThat(HttpTransport.USER_AGENT).startsWith("acp/");
        wm.verify(getRequestedFor(urlPathEqualTo("/v1/models")).withHeader("User-Agent", equalTo(HttpTransport.USER_AGENT)));
    }

    @Test
    void should_send_the_user_agent_with_downloads_and_paid_posts() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/files/a.png")).willReturn(ok().withHeader("Content-Type", "image/png")
                .withBody(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})));
        wm.stubFor(post(urlPathEqualTo("/v1/submit")).willReturn(ok("{}")));

        transport.download(safeGet("/files/a.png"), dir.resolve("a.png.tmp"), 1024, List.of("image/"));
        transport.execute(paidPost("/v1/submit"));

        wm.verify(getRequestedFor(urlPathEqualTo("/files/a.png")).withHeader("User-Agent", equalTo(HttpTransport.USER_AGENT)));
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/submit")).withHeader("User-Agent", equalTo(HttpTransport.USER_AGENT)));
    }

    @Test
    void should_send_the_authorization_header_but_never_put_it_in_a_message() {
        wm.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(status(401)
                .withBody("invalid credentials: {{request.headers.Authorization}}")
                .withTransformers("response-template")));

        ProviderException e = failure(() -> transport.execute(withAuthorization(safeGet("/v1/models"))));

        wm.verify(getRequestedFor(urlPathEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + SECRET)));
        assertThat(e.getMessage()).as("the echoed header is masked").contains("invalid credentials: Bearer ****");
        assertThat(everything(e)).doesNotContain(SECRET);
    }

    @Test
    void should_mask_a_key_echoed_back_in_an_error_body() {
        wm.stubFor(post(urlPathEqualTo("/v1/submit")).willReturn(status(400)
                .withBody("{\"error\":\"key " + SECRET + " is not valid for this model\"}")));

        ProviderException e = failure(() -> transport.execute(paidPost("/v1/submit")));

        assertThat(e.getMessage()).contains("key **** is not valid");
        assertThat(everything(e)).doesNotContain(SECRET);
    }

    @Test
    void should_keep_a_key_in_the_query_string_out_of_an_error_message() {
        wm.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(status(404)
                .withBody("no such route: {{request.url}}").withTransformers("response-template")));

        ProviderException e = failure(() -> transport.execute(safeGet("/v1/models?key=" + SECRET)));

        wm.verify(getRequestedFor(urlPathEqualTo("/v1/models")).withQueryParam("key", equalTo(SECRET)));
        assertThat(e.getMessage()).contains("no such route: /v1/models?key=****");
        assertThat(everything(e)).doesNotContain(SECRET);
    }

    @Test
    void should_keep_a_key_in_the_query_string_out_of_a_network_failure() {
        wm.stubFor(get(urlPathEqualTo("/v1/models")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        ProviderException e = failure(() -> transport.execute(safeGet("/v1/models?key=" + SECRET)));

        assertThat(e.getMessage()).contains("GET " + wm.baseUrl() + "/v1/models)").doesNotContain("key=");
        assertThat(everything(e)).doesNotContain(SECRET);
    }

    @Test
    void should_keep_a_key_in_the_query_string_out_of_an_unknown_outcome() {
        wm.stubFor(post(urlPathEqualTo("/v1/submit")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        ProviderException e = failure(() -> transport.execute(paidPost("/v1/submit?key=" + SECRET)));

        assertThat(e.getMessage()).contains("POST " + wm.baseUrl() + "/v1/submit)").doesNotContain("key=");
        assertThat(everything(e)).doesNotContain(SECRET);
    }

    @Test
    void should_keep_a_key_in_the_query_string_out_of_a_refused_download() {
        wm.stubFor(get(urlPathEqualTo("/files/a.png")).willReturn(ok("<html>").withHeader("Content-Type", "text/html")));

        ProviderException e = failure(() -> transport.download(safeGet("/files/a.png?key=" + SECRET).withRetry(HttpCall.Retry.ONCE),
                dir.resolve("a.png.tmp"), 1024, List.of("image/")));

        assertThat(e.getMessage()).contains(wm.baseUrl() + "/files/a.png is HTML (sent as text/html)");
        assertThat(everything(e)).doesNotContain(SECRET);
    }
}
