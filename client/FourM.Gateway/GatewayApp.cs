using FourM.Client.Contracts;
using FourM.Client.Hosting;
using FourM.Gateway.Endpoints;
using FourM.Gateway.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace FourM.Gateway;

/// <summary>Builds the gateway: an Orleans client, the <c>/v1/sessions</c> API and health endpoints.</summary>
public static class GatewayApp
{
    /// <param name="connectToCluster">False when the caller registers <see cref="FourM.Client.FourMClient"/> and
    /// <see cref="IGrainFactory"/> itself (tests with an in-process cluster).</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, bool connectToCluster = true)
    {
        // The content root is the binary's folder, not the working directory, so appsettings.json (listen address,
        // cluster gateways) is found however the gateway is started, as the silo does.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName);
        var gateway = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = gateway.MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(o => FourMJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddCheck<ClusterReadinessCheck>("cluster", tags: ["ready"]);
        if (connectToCluster) builder.AddFourMClient();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapSessionEndpoints();
        // Liveness: the process serves HTTP. Readiness: the cluster answers.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }
}
