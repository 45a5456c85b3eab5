/**
 * A fake asynchronous, paid provider served over HTTP, for proving that every job is submitted
 * once and billed once, also across crashes and resumes: {@link dev.acp.testkit.jobs.FakeJobServer}
 * (the provider's side, run inside a test) and {@link dev.acp.testkit.jobs.FakeJobProviderFactory}
 * ({@code provider: fakejobs}, the client that runs inside ACP and talks to the server named by
 * {@code ACP_FAKEJOBS_BASE_URL}).
 */
@NullMarked
package dev.acp.testkit.jobs;

import org.jspecify.annotations.NullMarked;
