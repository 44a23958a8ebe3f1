using FourM.Gateway;

var app = GatewayApp.Build(GatewayApp.CreateBuilder(args));
await app.RunAsync();
