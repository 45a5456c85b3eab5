/**
 * Clustering of unit vectors (text or media embeddings): spherical k-means++ with restarts, k
 * chosen by silhouette, and density clustering (DBSCAN on cosine distance) for small sets. Works
 * on plain {@link dev.acp.content.cluster.ClusterItem}s, so it does not depend on where the
 * vectors are stored.
 */
@NullMarked
package dev.acp.content.cluster;

import org.jspecify.annotations.NullMarked;
