module example.com/mojidemo

go 1.19
