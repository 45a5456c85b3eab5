/**
 * Shot detection: splits a video into shots at hard cuts, dissolves and fades, picks a keyframe
 * per shot and draws a contact sheet. One ffmpeg pass decodes the video and scales every frame
 * down to a thumbnail; the rest is computed here from those thumbnails (see {@link
 * dev.acp.content.shots.ShotDetector}).
 */
@NullMarked
package dev.acp.content.shots;

import org.jspecify.annotations.NullMarked;
