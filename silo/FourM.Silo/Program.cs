using FourM.Silo.Hosting;

return await SiloApp.RunAsync(args);
