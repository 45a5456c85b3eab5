package dev.acp.local.video;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each scene of an assembled video starts and how long its clip runs, in whole frames.
 *
 * <p>Scene {@code k} starts at {@code start(k)}, the sum of the scenes before it, and its
 * narration starts there too. With a crossfade of {@code T} frames every clip but the last is
 * extended by {@code T}, and the fade into scene {@code k} runs from {@code start(k)} over the
 * extension of scene {@code k-1}: fades overlap what was added, never what was planned, so the
 * total is exactly the sum of the scene durations.
 *
 * @param sceneFrames each scene's duration in frames, at least one
 * @param transitionFrames the crossfade's length in frames; 0 for hard cuts
 */
public record Timeline(int fps, List<Integer> sceneFrames, int transitionFrames) {
    public Timeline {
        sceneFrames = List.copyOf(sceneFrames);
        if (fps < 1 || sceneFrames.isEmpty() || sceneFrames.stream().anyMatch(f -> f < 1) || transitionFrames < 0) {
            throw new IllegalArgumentException("a timeline needs scenes of at least one frame and fps >= 1");
        }
    }

    /**
     * Rounds {@code seconds} to frames and fits the transition: at most half the shortest scene,
     * so two fades never meet inside one scene.
     */
    public static Timeline of(int fps, List<Double> seconds, double transitionSeconds) {
        List<Integer> frames = new ArrayList<>(seconds.size());
        for (double s : seconds) {
            frames.add(Math.max(1, (int) Math.round(s * fps)));
        }
        int shortest = frames.stream().mapToInt(Integer::intValue).min().orElse(1);
        int transition = frames.size() < 2 ? 0 : Math.min((int) Math.round(transitionSeconds * fps), shortest / 2);
        return new Timeline(fps, frames, Math.max(0, transition));
    }

    public int scenes() {
        return sceneFrames.size();
    }

    /** Frames of the clip rendered for scene {@code k}: its duration plus the overlap of the fade out of it. */
    public int clipFrames(int k) {
        return sceneFrames.get(k) + (k < sceneFrames.size() - 1 ? transitionFrames : 0);
    }

    public int startFrame(int k) {
        int sum = 0;
        for (int i = 0; i < k; i++) {
            sum += sceneFrames.get(i);
        }
        return sum;
    }

    public double start(int k) {
        return (double) startFrame(k) / fps;
    }

    public double duration(int k) {
        return (double) sceneFrames.get(k) / fps;
    }

    public int totalFrames() {
        return startFrame(sceneFrames.size());
    }

    public double total() {
        return (double) totalFrames() / fps;
    }

    public double transition() {
        return (double) transitionFrames / fps;
    }
}
