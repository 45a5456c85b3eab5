/**
 * Face detection: MediaPipe's BlazeFace short-range model on ONNX Runtime finds faces in images and
 * in frames sampled from videos, with a box, a confidence and six named landmarks per face, in the
 * pixel coordinates of the input. {@link dev.acp.content.faces.FaceDetector} runs the model,
 * {@link dev.acp.content.faces.FaceScanner} reads image and video files for it, and
 * {@link dev.acp.content.faces.FaceAnnotator} draws what was found.
 */
@NullMarked
package dev.acp.content.faces;

import org.jspecify.annotations.NullMarked;
