package dev.acp.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a provider's credentials may go, and which addresses count as private. */
class DestinationsTest {

    private static Destinations of(String... baseUrls) {
        Destinations d = new Destinations("fal", false);
        for (String u : baseUrls) {
            d.addBaseUrl(u);
        }
        return d;
    }

    @Test
    void credentials_go_only_to_the_same_scheme_host_and_port_as_a_base_url() {
        Destinations d = of("https://queue.fal.run", "http://127.0.0.1:8080/v1/");

        assertThat(d.mayReceiveCredentials(URI.create("https://queue.fal.run/fal-ai/flux/requests/1/status"))).isTrue();
        assertThat(d.mayReceiveCredentials(URI.create("https://QUEUE.fal.run:443/x"))).isTrue();
        assertThat(d.mayReceiveCredentials(URI.create("http://queue.fal.run/x"))).as("in clear text").isFalse();
        assertThat(d.mayReceiveCredentials(URI.create("https://queue.fal.run:8443/x"))).as("another port").isFalse();
        assertThat(d.mayReceiveCredentials(URI.create("https://rest.fal.run/x"))).as("another host").isFalse();
        assertThat(d.mayReceiveCredentials(URI.create("https://queue.fal.run.evil.test/x"))).isFalse();
        assertThat(d.mayReceiveCredentials(URI.create("http://127.0.0.1:8080/anything"))).isTrue();
        assertThat(d.mayReceiveCredentials(URI.create("http://127.0.0.1:8081/x"))).isFalse();
        assertThat(d.mayReceiveCredentials(URI.create("https://127.0.0.1:8080/x"))).isFalse();
        assertThat(d.mayReceiveCredentials(URI.create("file:///etc/passwd"))).isFalse();
    }

    @Test
    void a_base_url_that_is_not_http_adds_no_origin() {
        assertThat(of("file:///tmp", "not a url", "jar:file:/x.jar!/").origins()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, loopback", "127.9.9.9, loopback", "::1, loopback", "0.0.0.0, unspecified", "::, unspecified",
        "10.1.2.3, private", "172.16.0.1, private", "192.168.1.1, private", "100.64.0.1, private",
        "169.254.169.254, link-local", "fe80::1, link-local", "fd00:ec2::254, private", "fc00::1, private",
        "::ffff:127.0.0.1, loopback", "64:ff9b::a00:1, private", "224.0.0.1, multicast", "240.0.0.1, reserved",
    })
    void should_know_non_public_addresses(String address, String kind) throws UnknownHostException {
        assertThat(Destinations.privateKind(InetAddress.getByName(address))).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource({"203.0.113.7", "8.8.8.8", "2606:4700::1111", "100.128.0.1", "172.32.0.1"})
    void should_know_public_addresses(String address) throws UnknownHostException {
        assertThat(Destinations.privateKind(InetAddress.getByName(address))).isNull();
    }

    @Test
    void private_addresses_are_allowed_when_a_base_url_is_on_one_resolving_it_once_and_only_when_asked() {
        AtomicInteger lookups = new AtomicInteger();
        Destinations.Resolver resolver = host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {InetAddress.getByAddress(host, host.startsWith("local")
                    ? new byte[] {10, 0, 0, 2} : new byte[] {(byte) 203, 0, 113, 9})};
        };
        Destinations local = of("http://local-gpu.lan:8000");
        Destinations remote = of("https://api.example.com");

        assertThat(lookups).as("registering a base URL resolves nothing").hasValue(0);
        assertThat(local.privateAllowed(resolver)).isTrue();
        assertThat(local.privateAllowed(resolver)).isTrue();
        assertThat(remote.privateAllowed(resolver)).isFalse();
        assertThat(lookups).hasValue(2);
        assertThat(new Destinations("fal", true).privateAllowed(host -> {
            throw new UnknownHostException(host);
        })).as("ACP_ALLOW_PRIVATE_URLS=1").isTrue();
    }
}
