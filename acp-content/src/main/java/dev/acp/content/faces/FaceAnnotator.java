package dev.acp.content.faces;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.fonts.BundledFonts;
import dev.acp.util.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Draws faces on a copy of an image: each box, its confidence above it and the six landmarks as
 * dots, one colour per landmark (the person's right side in warm colours, the left in cool ones)
 * so that a swapped eye or ear shows. Line widths and text grow with the image.
 */
public final class FaceAnnotator {
    private static final Color BOX = new Color(0x00, 0xe0, 0x50);
    private static final Color LABEL_TEXT = Color.BLACK;
    /** Right eye, left eye, nose tip, mouth, right ear, left ear. */
    private static final List<Color> LANDMARKS = List.of(new Color(0xff, 0x30, 0x30), new Color(0x30, 0x90, 0xff),
            new Color(0xff, 0xff, 0x40), new Color(0xff, 0x40, 0xff), new Color(0xff, 0x90, 0x20),
            new Color(0x20, 0xe0, 0xe0));

    private final BundledFonts fonts;

    public FaceAnnotator(BundledFonts fonts) {
        this.fonts = Objects.requireNonNull(fonts, "fonts");
    }

    /** A copy of {@code image} with {@code faces} drawn on it; the image itself is not changed. */
    public BufferedImage annotate(BufferedImage image, List<Face> faces) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(image, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            float line = Math.max(2f, Math.max(image.getWidth(), image.getHeight()) / 300f);
            Font font = fonts.regular(Math.max(12f, line * 6));
            g.setFont(font);
            FontMetrics metrics = g.getFontMetrics();
            for (Face face : faces) {
                Box b = face.box();
                g.setStroke(new BasicStroke(line));
                g.setColor(BOX);
                g.draw(new Rectangle2D.Double(b.x(), b.y(), b.width(), b.height()));
                String label = String.format(Locale.ROOT, "%.2f", face.confidence());
                double labelWidth = metrics.stringWidth(label) + 2 * line;
                double labelHeight = metrics.getAscent() + metrics.getDescent();
                // Above the box, or inside it when the box touches the top of the image.
                double top = b.y() - labelHeight >= 0 ? b.y() - labelHeight : b.y();
                g.fill(new Rectangle2D.Double(b.x() - line / 2, top, labelWidth, labelHeight));
                g.setColor(LABEL_TEXT);
                g.drawString(label, (float) (b.x() - line / 2 + line), (float) (top + metrics.getAscent()));
                List<Point> points = face.landmarks().points();
                double r = line * 1.5;
                for (int i = 0; i < points.size(); i++) {
                    Point p = points.get(i);
                    g.setColor(LANDMARKS.get(i));
                    g.fill(new Ellipse2D.Double(p.x() - r, p.y() - r, 2 * r, 2 * r));
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(Math.max(1f, line / 3)));
                    g.draw(new Ellipse2D.Double(p.x() - r, p.y() - r, 2 * r, 2 * r));
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Writes {@code image} as a PNG to {@code target}, whole or not at all (a temporary file in the
     * same folder, then a rename).
     */
    public static void writePng(BufferedImage image, Path target) throws ProviderException {
        Path folder = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(folder);
            Path partial = Files.createTempFile(folder, ".annotated-", ".png.partial");
            try {
                if (!ImageIO.write(image, "png", partial.toFile())) {
                    throw new IOException("no PNG writer for this image");
                }
                AtomicFiles.replace(partial, target);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "could not write " + target + " (" + e.getMessage()
                    + "); check that its folder is writable and has free space");
        }
    }
}
