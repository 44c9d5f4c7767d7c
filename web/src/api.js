// Talking to the eAkte API: bearer token, JSON, the API's error shape, and the upload
// (POST /api/uploads, then the presigned POST straight to S3 with XHR upload progress).

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const EXTENSION_TYPES = {
  pdf: "application/pdf", tif: "image/tiff", tiff: "image/tiff", jpg: "image/jpeg", jpeg: "image/jpeg",
  png: "image/png", xml: "application/xml",
};

/** The declared type of a file: from its extension (browsers often give "" or text/xml). */
export function contentTypeOf(filename) {
  const ext = filename.split(".").pop().toLowerCase();
  return EXTENSION_TYPES[ext] ?? "application/octet-stream";
}

export function kindOf(filename) {
  return contentTypeOf(filename) === "application/xml" ? "message" : "scan";
}

export function createApi({ baseUrl = "", getToken, onUnauthorized = () => {}, fetchImpl = globalThis.fetch }) {
  async function request(method, path, { query, body } = {}) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v) params.set(k, v);
    const url = `${baseUrl}${path}${params.size ? `?${params}` : ""}`;
    const headers = { Authorization: `Bearer ${getToken()}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetchImpl(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    if (!response.ok) {
      if (response.status === 401) onUnauthorized();
      const error = payload?.error ?? {};
      throw new ApiError(response.status, error.code ?? "http_error", error.message ?? `HTTP ${response.status}`);
    }
    return payload;
  }
  return {
    get: (path, query) => request("GET", path, { query }),
    post: (path, body) => request("POST", path, { body }),
    patch: (path, body) => request("PATCH", path, { body }),
  };
}

/** The presigned POST with progress: fields first, the file last (S3's rule). */
export function postToS3(upload, file, onProgress, XHR = globalThis.XMLHttpRequest) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
    form.append("file", file);
    const xhr = new XHR();
    xhr.open("POST", upload.url);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new ApiError(xhr.status, "upload_failed", `S3 answered ${xhr.status}`));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "network error"));
    xhr.send(form);
  });
}

/** POST /api/uploads's body. `concerns` (whom the scan is about) goes with scans only: a message
 * names its person itself, and the API refuses it there. */
export function uploadRequest(file, concerns = null) {
  const kind = kindOf(file.name);
  const body = { kind, filename: file.name, contentType: contentTypeOf(file.name), size: file.size };
  if (concerns && kind === "scan") body.concerns = concerns;
  return body;
}

export async function uploadFile(api, file, onProgress, concerns = null) {
  const started = await api.post("/api/uploads", uploadRequest(file, concerns));
  await postToS3(started.upload, file, onProgress);
  return started.submissionId;
}

export const FINAL = new Set(["INDEXED", "NEEDS_REVIEW", "REJECTED", "FAILED"]);
export const PIPELINE = ["RECEIVED", "OCR_DONE", "CLASSIFIED"];

/** Has the pipeline finished with this submission? (Messages wait at RECEIVED for the exchange.) */
export function isSettled(view) {
  if (!view) return false;
  if (view.status === "UPLOAD_EXPIRED") return true;
  const docs = view.documents ?? [];
  return docs.length > 0 && docs.every((d) => FINAL.has(d.status));
}
