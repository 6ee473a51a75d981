// Photos for the outbox: downscaled to at most 1600 px as JPEG, identified by their SHA-256.

const MAX_SIDE = 1600;
const QUALITY = 0.82;

/** Hex SHA-256 of a Blob (the photo's identity: the same photo uploaded twice is one photo). */
async function sha256(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Draw ``bitmap`` at ``width`` × ``height`` and encode it as JPEG. */
async function encode(bitmap, width, height) {
  if (typeof OffscreenCanvas === "function") {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
  }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("encode"))), "image/jpeg", QUALITY);
  });
}

/** A photo file as the outbox keeps it: {sha256, blob, type, width, height, uploaded}. */
export async function preparePhoto(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const blob = await encode(bitmap, width, height);
  if (bitmap.close) bitmap.close();
  return { sha256: await sha256(blob), blob, type: "image/jpeg", width, height, uploaded: false };
}
