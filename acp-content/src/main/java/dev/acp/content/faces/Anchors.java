package dev.acp.content.faces;

import java.util.ArrayList;
import java.util.List;

/**
 * The anchor centres of an SSD detector, generated as MediaPipe's {@code SsdAnchorsCalculator}
 * does with the short-range face options: input 128 x 128, layers with strides 8, 16, 16 and 16,
 * two anchors per layer (aspect ratio 1 and the interpolated scale), offset 0.5 and a fixed anchor
 * size. Consecutive layers with the same stride share one grid, so stride 8 gives a 16 x 16 grid
 * with 2 anchors per cell (512) and the three stride-16 layers an 8 x 8 grid with 6 (384): 896
 * anchors, in the order of the model's outputs (grid rows, then columns, then anchors of a cell).
 *
 * <p>With a fixed anchor size every anchor is 1 x 1 in normalised units, so only the centres
 * matter for decoding; the scales that MediaPipe computes would only count the anchors per cell.
 */
final class Anchors {
    /** Anchors per layer: MediaPipe adds an interpolated-scale anchor to the aspect ratio 1 one. */
    private static final int ANCHORS_PER_LAYER = 2;
    private static final double OFFSET = 0.5;

    private final float[] centerX;
    private final float[] centerY;
    private final List<Integer> gridSizes;

    private Anchors(float[] centerX, float[] centerY, List<Integer> gridSizes) {
        this.centerX = centerX;
        this.centerY = centerY;
        this.gridSizes = List.copyOf(gridSizes);
    }

    /** The 896 anchors of the short-range BlazeFace model. */
    static Anchors shortRange() {
        return generate(BlazeFaceModel.INPUT_SIZE, new int[] {8, 16, 16, 16});
    }

    static Anchors generate(int inputSize, int[] strides) {
        List<float[]> centres = new ArrayList<>();
        List<Integer> gridSizes = new ArrayList<>();
        int layer = 0;
        while (layer < strides.length) {
            int stride = strides[layer];
            int perCell = 0;
            while (layer < strides.length && strides[layer] == stride) {
                perCell += ANCHORS_PER_LAYER;
                layer++;
            }
            int cells = (int) Math.ceil((double) inputSize / stride);
            gridSizes.add(cells * cells * perCell);
            for (int y = 0; y < cells; y++) {
                for (int x = 0; x < cells; x++) {
                    for (int a = 0; a < perCell; a++) {
                        centres.add(new float[] {(float) ((x + OFFSET) / cells), (float) ((y + OFFSET) / cells)});
                    }
                }
            }
        }
        float[] xs = new float[centres.size()];
        float[] ys = new float[centres.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = centres.get(i)[0];
            ys[i] = centres.get(i)[1];
        }
        return new Anchors(xs, ys, gridSizes);
    }

    /**
     * How many anchors each grid has, in order (512 and 384): the model gives each grid's scores
     * and values as separate outputs.
     */
    List<Integer> gridSizes() {
        return gridSizes;
    }

    int size() {
        return centerX.length;
    }

    /** Horizontal centre of anchor {@code i}, from 0 (left) to 1 (right) of the model's input. */
    float x(int i) {
        return centerX[i];
    }

    /** Vertical centre of anchor {@code i}, from 0 (top) to 1 (bottom) of the model's input. */
    float y(int i) {
        return centerY[i];
    }
}
