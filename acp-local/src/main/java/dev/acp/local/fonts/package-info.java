/**
 * The fonts ACP ships, so that rendered text never depends on the fonts a machine happens to
 * have. Liberation Sans Regular (SIL Open Font License 1.1) is bundled into the jar by the build;
 * {@link dev.acp.local.fonts.BundledFonts} loads it for Java2D and extracts it to a file for
 * ffmpeg's {@code drawtext fontfile=}.
 */
@org.jspecify.annotations.NullMarked
package dev.acp.local.fonts;
