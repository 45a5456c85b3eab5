/**
 * What every HTTP provider shares: tolerant JSON, data URIs for local inputs, and the content
 * types a download may have. HTTP itself is {@link dev.acp.http.HttpTransport} in acp-core.
 */
@NullMarked
package dev.acp.providers.support;

import org.jspecify.annotations.NullMarked;
