module mojiscope.test/gowrite

go 1.19
