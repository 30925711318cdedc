// ESLint flat config: typescript-eslint's recommended rules everywhere, plus the Pulumi rules
// (which need type information) on the code that handles Outputs.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "bench/results/", "app/public/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "LogicalExpression[operator='||'] > Literal",
          message: 'Use `??` for defaults: a legitimate 0 or "" must survive.',
        },
      ],
    },
  },
  {
    files: ["components/**/*.ts", "stacks/**/*.ts", "test/unit/**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
);
