import { describe, expect, it, vi } from "vitest";
import { ApiError, contentTypeOf, createApi, isSettled, kindOf, postToS3 } from "../src/api.js";

const respond = (status, body) => ({ ok: status < 400, status, json: async () => body });

describe("the API client", () => {
  it("sends the bearer token and the query, skipping empty parameters", async () => {
    const fetchImpl = vi.fn(async () => respond(200, { items: [] }));
    const api = createApi({ baseUrl: "https://api.test", getToken: () => "tok", fetchImpl });
    await api.get("/api/dossiers", { q: "Hassan", birthDate: "", ref: undefined });
    const [url, request] = fetchImpl.mock.calls[0];
    expect(url).toBe("https://api.test/api/dossiers?q=Hassan");
    expect(request.headers.Authorization).toBe("Bearer tok");
  });

  it("turns the API's error shape into an ApiError and signs out on 401", async () => {
    const onUnauthorized = vi.fn();
    const fetchImpl = vi.fn(async () => respond(401, { error: { code: "unauthorized", message: "expired" } }));
    const api = createApi({ getToken: () => "t", onUnauthorized, fetchImpl });
    const error = await api.get("/api/inbox").catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: "unauthorized", message: "expired" });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("sends JSON bodies on PATCH", async () => {
    const fetchImpl = vi.fn(async () => respond(200, {}));
    const api = createApi({ getToken: () => "t", fetchImpl });
    await api.patch("/api/documents/d1", { documentType: "payslip" });
    const [, request] = fetchImpl.mock.calls[0];
    expect(request.method).toBe("PATCH");
    expect(request.headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({ documentType: "payslip" });
  });
});

describe("uploads", () => {
  it("declares type and kind from the file name", () => {
    expect(contentTypeOf("Scan.TIFF")).toBe("image/tiff");
    expect(contentTypeOf("meldung.xml")).toBe("application/xml");
    expect(kindOf("meldung.xml")).toBe("message");
    expect(kindOf("pass.jpg")).toBe("scan");
  });

  it("posts the presigned fields before the file and reports progress", async () => {
    const sent = [];
    class FakeXhr {
      upload = {};
      open(method, url) { this.target = `${method} ${url}`; }
      send(form) {
        sent.push({ target: this.target, keys: [...form.keys()] });
        this.upload.onprogress({ lengthComputable: true, loaded: 50, total: 100 });
        this.status = 204;
        this.onload();
      }
    }
    const progress = [];
    await postToS3({ url: "http://s3.test/b", fields: { key: "k", policy: "p" } },
      new File(["x"], "a.png"), (p) => progress.push(p), FakeXhr);
    expect(sent).toEqual([{ target: "POST http://s3.test/b", keys: ["key", "policy", "file"] }]);
    expect(progress).toEqual([0.5, 1]);
  });

  it("fails when S3 refuses the upload", async () => {
    class Refusing {
      upload = {};
      open() {}
      send() { this.status = 403; this.onload(); }
    }
    await expect(postToS3({ url: "u", fields: {} }, new File(["x"], "a.png"), () => {}, Refusing))
      .rejects.toMatchObject({ status: 403, code: "upload_failed" });
  });

  it("knows when the pipeline is done with a submission", () => {
    expect(isSettled({ status: "PROCESSING", documents: [] })).toBe(false);
    expect(isSettled({ status: "PROCESSING", documents: [{ status: "OCR_DONE" }] })).toBe(false);
    expect(isSettled({ status: "COMPLETED", documents: [{ status: "INDEXED" }] })).toBe(true);
    expect(isSettled({ status: "REJECTED", documents: [{ status: "REJECTED" }] })).toBe(true);
    expect(isSettled({ status: "UPLOAD_EXPIRED", documents: [] })).toBe(true);
  });
});
