/**
 * The shared contract of ACP's HTTP providers ({@link dev.acp.testkit.contract.HttpProviderContract},
 * with {@link dev.acp.testkit.contract.JobProviderContract} for providers that run jobs): one set of
 * JUnit tests that every provider's test extends, supplying only how the provider is built, one
 * valid request, and WireMock stubs in its own API's shape. A rule fixed for one provider
 * (Retry-After, key masking, size limits, where the key may go) is then checked for all of them.
 */
@NullMarked
package dev.acp.testkit.contract;

import org.jspecify.annotations.NullMarked;
