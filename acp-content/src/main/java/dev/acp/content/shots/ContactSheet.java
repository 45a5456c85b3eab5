package dev.acp.content.shots;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.util.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws the keyframes of a shot list as a grid, each tile labelled with its shot number, start
 * time and the transition into it, and writes it as one PNG file. Pure Java2D (headless): the
 * keyframes are already on disk, so no ffmpeg run is needed.
 */
public final class ContactSheet {
    /** Width of one tile in pixels. */
    static final int TILE_WIDTH = 320;
    /** Tiles per row. */
    static final int COLUMNS = 4;
    private static final int GAP = 4;
    private static final int LABEL_HEIGHT = 22;

    private ContactSheet() {}

    /**
     * Writes the contact sheet of {@code list}, whose shots must all have a keyframe file, to
     * {@code target} (atomically: a reader never sees half a file).
     */
    public static void write(ShotList list, Path target) throws ProviderException {
        int count = list.shots().size();
        double aspect = list.width() > 0 && list.height() > 0 ? (double) list.height() / list.width() : 9.0 / 16;
        int tileHeight = Math.max(1, (int) Math.round(TILE_WIDTH * aspect));
        int columns = Math.min(COLUMNS, count);
        int rows = (count + columns - 1) / columns;
        BufferedImage sheet = new BufferedImage(columns * (TILE_WIDTH + GAP) + GAP,
                rows * (tileHeight + LABEL_HEIGHT + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(new Color(24, 24, 24));
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            for (Shot shot : list.shots()) {
                int x = GAP + (shot.index() % columns) * (TILE_WIDTH + GAP);
                int y = GAP + (shot.index() / columns) * (tileHeight + LABEL_HEIGHT + GAP);
                g.drawImage(keyframe(shot), x, y, TILE_WIDTH, tileHeight, null);
                g.setColor(Color.WHITE);
                g.drawString("#" + (shot.index() + 1) + "  " + Timecode.format(shot.startSeconds()) + "  "
                        + shot.transition().wireName(), x + 4, y + tileHeight + 16);
            }
        } finally {
            g.dispose();
        }
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(sheet, "png", partial.toFile())) {
                throw new IOException("no PNG writer");
            }
            AtomicFiles.replace(partial, target);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "cannot write the contact sheet " + target + " ("
                    + e.getMessage() + "); choose a writable path", e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // Only a leftover temporary file; the sheet itself was written or reported.
            }
        }
    }

    private static BufferedImage keyframe(Shot shot) throws ProviderException {
        Path file = shot.keyframeFile().orElseThrow(() -> new IllegalArgumentException(
                "shot " + (shot.index() + 1) + " has no keyframe file"));
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new IOException("not an image");
            }
            return image;
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "cannot read the keyframe " + file + " (" + e.getMessage()
                    + "); write the keyframes again", e);
        }
    }
}
