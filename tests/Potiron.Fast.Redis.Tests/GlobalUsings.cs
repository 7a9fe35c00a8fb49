global using Potiron.Fast.Aggregation;
global using Potiron.Fast.TestSupport;
global using StackExchange.Redis;
global using Xunit;
