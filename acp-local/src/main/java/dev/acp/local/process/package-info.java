/**
 * Running external programs (ffmpeg, espeak-ng) safely from provider code.
 *
 * <p>{@link dev.acp.local.process.ExternalCommand} starts a program with an argument list (never
 * through a shell), drains its standard output and error on virtual threads so that a chatty
 * program cannot block on a full pipe, keeps a bounded tail of its error output for messages, and
 * kills the program together with its descendants when the calling thread is interrupted.
 * {@link dev.acp.local.process.Executables} finds programs on the {@code PATH} of an injected
 * {@link dev.acp.env.Environment} rather than the JVM's own environment.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local.process;
