import { defineConfig } from "vite";

// Preact's JSX through Vite's own esbuild: no framework plugin needed.
export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, target: "es2022" },
  test: {
    environment: "happy-dom",
    include: ["tests/**/*.test.{js,jsx}"],
  },
});
