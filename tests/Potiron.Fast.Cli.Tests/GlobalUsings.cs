global using Potiron.Fast.TestSupport;
