/**
 * A provider that lies ({@link dev.acp.testkit.hostile.HostileServer}): a loopback server, also
 * usable as a forward proxy so that made-up host names reach it, whose answers point at other
 * ports, other hosts, private addresses and non-HTTP schemes, redirect in loops, send bodies that
 * never end or are not what they claim, and ask to wait for years. It records every request it
 * receives, with its headers, so tests can assert that no key went where it does not belong.
 */
@NullMarked
package dev.acp.testkit.hostile;

import org.jspecify.annotations.NullMarked;
