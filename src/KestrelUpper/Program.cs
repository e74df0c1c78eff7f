using KestrelUpper.Hosting;

return await UpperApp.RunAsync(args).ConfigureAwait(false);
